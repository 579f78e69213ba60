# Writes OUTPUT, a C++ file defining `const char* NAME()` that returns the text of INPUT.
file(READ "${INPUT}" content)
file(WRITE "${OUTPUT}" "// Generated from ${INPUT}; do not edit.\nnamespace procura {\nconst char* ${NAME}() {\n  return R\"PROCURA_EMBED(${content})PROCURA_EMBED\";\n}\n}  // namespace procura\n")
