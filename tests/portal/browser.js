// Shared by the browser tests: how Debian's Chromium is started (headless, no network of its own).
'use strict';
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
};
module.exports = { LAUNCH };
