package com.accountauth.extension.config;

/**
 * {@code <audit>}: how the audit trail (logger {@code account-auth.audit}) writes its lines.
 *
 * @param jsonLines {@code <format>json}: one JSON object per line, for log shippers; else key=value text
 */
public record AuditSettings(boolean jsonLines) {
}
