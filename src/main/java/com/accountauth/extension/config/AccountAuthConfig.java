package com.accountauth.extension.config;

import com.accountauth.extension.acl.AutoSubscribeTemplates;
import com.accountauth.extension.acl.PermissionTemplates;

/** The whole, validated content of conf/config.xml. */
public record AccountAuthConfig(DatabaseSettings database, AuthenticationSettings authentication,
                                QuerySettings queries, PermissionTemplates permissions,
                                AutoSubscribeTemplates autoSubscribe, LiveChangeSettings liveChanges,
                                ClientIdSettings clientIds, CacheSettings cache,
                                ThrottleSettings throttling, PasswordSettings passwords, ReloadSettings reload,
                                AuditSettings audit,
                                CertificateLoginSettings certificateLogins) {
}
