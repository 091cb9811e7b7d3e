#include "napi_args.h"

void checkStatus(napi_env env, napi_status status, const char *what) {
  if (status == napi_ok) return;
  const napi_extended_error_info *info = nullptr;
  napi_get_last_error_info(env, &info);
  std::string message = std::string(what) + ": " +
                        (info && info->error_message ? info->error_message : "N-API call failed");
  throw std::runtime_error(message);
}

void readArgs(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
  size_t argc = expected;
  checkStatus(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "arguments");
  if (argc != expected) {
    throw ArgError("expected " + std::to_string(expected) + " arguments, got " +
                   std::to_string(argc));
  }
}

int64_t readInt(napi_env env, napi_value value, const char *name) {
  double number = readNumber(env, value, name);
  if (number != static_cast<double>(static_cast<int64_t>(number))) {
    throw ArgError(std::string(name) + " must be an integer");
  }
  return static_cast<int64_t>(number);
}

double readNumber(napi_env env, napi_value value, const char *name) {
  double number = 0;
  if (napi_get_value_double(env, value, &number) != napi_ok) {
    throw ArgError(std::string(name) + " must be a number");
  }
  return number;
}

bool readBool(napi_env env, napi_value value, const char *name) {
  bool flag = false;
  if (napi_get_value_bool(env, value, &flag) != napi_ok) {
    throw ArgError(std::string(name) + " must be a boolean");
  }
  return flag;
}

float *readFloats(napi_env env, napi_value value, size_t length, const char *name) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped) throw ArgError(std::string(name) + " must be a Float32Array");
  napi_typedarray_type type;
  size_t elements = 0;
  void *data = nullptr;
  checkStatus(env, napi_get_typedarray_info(env, value, &type, &elements, &data, nullptr, nullptr),
              name);
  if (type != napi_float32_array) throw ArgError(std::string(name) + " must be a Float32Array");
  if (elements != length) {
    throw ArgError(std::string(name) + " must have " + std::to_string(length) +
                   " elements, got " + std::to_string(elements));
  }
  return static_cast<float *>(data);
}

float *readOptionalFloats(napi_env env, napi_value value, size_t length, const char *name) {
  napi_valuetype type;
  checkStatus(env, napi_typeof(env, value, &type), name);
  if (type == napi_undefined || type == napi_null) return nullptr;
  return readFloats(env, value, length, name);
}

void *readExternal(napi_env env, napi_value value, const napi_type_tag *tag, const char *name) {
  bool tagged = false;
  if (napi_check_object_type_tag(env, value, tag, &tagged) != napi_ok || !tagged) {
    throw ArgError(std::string(name) + " is not a handle from this addon");
  }
  void *data = nullptr;
  checkStatus(env, napi_get_value_external(env, value, &data), name);
  return data;
}
