#ifndef FARO_PAM_H
#define FARO_PAM_H

/// Checks a user's password through PAM (`pam_authenticate`, then `pam_acct_mgmt`).
/// Returns 0 on success, else the PAM error code. `service` names the PAM stack
/// (a missing /etc/pam.d/<service> falls back to /etc/pam.d/other).
int faro_pam_authenticate(const char *service, const char *user, const char *password);

#endif
