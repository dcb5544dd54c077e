#ifndef KISUM_CCURL_H
#define KISUM_CCURL_H

#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

// curl_easy_setopt and curl_easy_getinfo are variadic C functions, which Swift cannot call.
// These typed wrappers are the only bridge the Swift client needs.

typedef size_t (*kisum_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode kisum_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kisum_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kisum_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kisum_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kisum_curl_setopt_callback(CURL *handle, CURLoption option, kisum_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kisum_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kisum_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

// The one address a transfer may connect to (an outbound URL guard's checked answer). curl's open-socket callback
// refuses every other address, so neither DNS rebinding, a resolver cache, a proxy nor a URL parsed differently by
// curl can make the transfer reach an address the guard did not check.
typedef struct {
    int family;
    unsigned char address[16];
} kisum_curl_pin;

// 0 when `text` is an IPv4 or IPv6 address (stored in `pin`), -1 otherwise.
static inline int kisum_curl_pin_parse(kisum_curl_pin *pin, const char *text) {
    memset(pin, 0, sizeof(*pin));
    if (inet_pton(AF_INET, text, pin->address) == 1) { pin->family = AF_INET; return 0; }
    if (inet_pton(AF_INET6, text, pin->address) == 1) { pin->family = AF_INET6; return 0; }
    return -1;
}

static inline curl_socket_t kisum_curl_open_pinned(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)purpose;
    const kisum_curl_pin *pin = (const kisum_curl_pin *)clientp;
    if (pin == NULL || address == NULL || address->family != pin->family) return CURL_SOCKET_BAD;
    // curl hands the address in storage large enough for any family (its Curl_sockaddr_ex).
    if (pin->family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)&address->addr;
        if (memcmp(&in4->sin_addr, pin->address, 4) != 0) return CURL_SOCKET_BAD;
    } else if (pin->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)&address->addr;
        if (memcmp(&in6->sin6_addr, pin->address, 16) != 0) return CURL_SOCKET_BAD;
    } else {
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

// Lets `handle` connect only to `pin` (which must outlive the transfer).
static inline CURLcode kisum_curl_pin_connections(CURL *handle, kisum_curl_pin *pin) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, kisum_curl_open_pinned);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, (void *)pin);
}

#endif
