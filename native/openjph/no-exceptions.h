// Force-included when OpenJPH is built for wasm32-wasi, whose C++ library has no exception support. OpenJPH throws
// only to abandon a decode (a damaged codestream, an allocation failure), and its one try/catch (tile header
// parsing) passes every error on unless resilience is enabled, which this build never does. So every throw traps
// the WebAssembly instance: the host sees a failed decode and discards the instance.
#pragma once
#define try if (true)
#define catch(...) else if (false)
#define throw for (;;) __builtin_trap();
// The names the (never taken) catch blocks use.
struct ojph_no_exception {
  const char* what() const { return ""; }
};
static const ojph_no_exception error{};
