// Reading and checking N-API call arguments. Every failure throws ArgError, which the entry points
// in addon.cc turn into a JavaScript TypeError, so no unchecked length ever reaches oneDNN.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/** Throws std::runtime_error carrying N-API's last error message when `status` is not ok. */
void checkStatus(napi_env env, napi_status status, const char *what);

/** The call's arguments; throws ArgError unless exactly `expected` were passed. */
void readArgs(napi_env env, napi_callback_info info, size_t expected, napi_value *argv);

int64_t readInt(napi_env env, napi_value value, const char *name);
double readNumber(napi_env env, napi_value value, const char *name);
bool readBool(napi_env env, napi_value value, const char *name);

/** A Float32Array's data, required to hold exactly `length` elements. */
float *readFloats(napi_env env, napi_value value, size_t length, const char *name);

/** As readFloats, but undefined and null give nullptr. */
float *readOptionalFloats(napi_env env, napi_value value, size_t length, const char *name);

/** The pointer inside an external created by this addon (checked by type tag). */
void *readExternal(napi_env env, napi_value value, const napi_type_tag *tag, const char *name);
