#include "faro_pam.h"

#include <security/pam_appl.h>
#include <stdlib.h>
#include <string.h>

/* Answers every echo-off prompt with the password; nothing else is supported. */
static int conversation(int count, const struct pam_message **messages, struct pam_response **responses, void *data) {
    if (count <= 0 || count > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
    struct pam_response *reply = calloc((size_t)count, sizeof(struct pam_response));
    if (reply == NULL) return PAM_BUF_ERR;
    for (int i = 0; i < count; i++) {
        if (messages[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
            reply[i].resp = strdup((const char *)data);
            if (reply[i].resp == NULL) {
                for (int j = 0; j < i; j++) free(reply[j].resp);
                free(reply);
                return PAM_BUF_ERR;
            }
        } else if (messages[i]->msg_style == PAM_PROMPT_ECHO_ON) {
            for (int j = 0; j < i; j++) free(reply[j].resp);
            free(reply);
            return PAM_CONV_ERR;
        }
    }
    *responses = reply;
    return PAM_SUCCESS;
}

int faro_pam_authenticate(const char *service, const char *user, const char *password) {
    struct pam_conv conv = {conversation, (void *)password};
    pam_handle_t *handle = NULL;
    int status = pam_start(service, user, &conv, &handle);
    if (status != PAM_SUCCESS) return status;
    status = pam_set_item(handle, PAM_RHOST, "localhost");
    if (status == PAM_SUCCESS) status = pam_authenticate(handle, PAM_SILENT);
    if (status == PAM_SUCCESS) status = pam_acct_mgmt(handle, PAM_SILENT);
    pam_end(handle, status);
    return status;
}
