#pragma once
// Factories of the red-flag indicators, one file each; registry.cpp lists them.
#include <memory>

#include "integrity/flags.hpp"

namespace procura::integrity {

std::unique_ptr<Indicator> make_r003(const FlagSettings& s);  // short submission period
std::unique_ptr<Indicator> make_r018(const FlagSettings& s);  // single bid received
std::unique_ptr<Indicator> make_r024(const FlagSettings& s);  // price close to winning bid
std::unique_ptr<Indicator> make_r025(const FlagSettings& s);  // excessive unsuccessful bids
std::unique_ptr<Indicator> make_r028(const FlagSettings& s);  // identical bid prices
std::unique_ptr<Indicator> make_r030(const FlagSettings& s);  // late bid won
std::unique_ptr<Indicator> make_r035(const FlagSettings& s);  // all except winning bid disqualified
std::unique_ptr<Indicator> make_r036(const FlagSettings& s);  // lowest bid disqualified
std::unique_ptr<Indicator> make_r038(const FlagSettings& s);  // excessive disqualified bids
std::unique_ptr<Indicator> make_r048(const FlagSettings& s);  // heterogeneous supplier
std::unique_ptr<Indicator> make_r058(const FlagSettings& s);  // heavily discounted bid

// Health purchasing (domain.md §6 and the Open Contracting indicator guide).
std::unique_ptr<Indicator> make_p001(const FlagSettings& s);  // unit price far above other buyers'
std::unique_ptr<Indicator> make_p002(
    const FlagSettings& s);  // median price ratio vs reference list
std::unique_ptr<Indicator> make_p003(const FlagSettings& s);  // single-bidder share by buyer
std::unique_ptr<Indicator> make_p004(
    const FlagSettings& s);  // market concentration (HHI) by category

}  // namespace procura::integrity
