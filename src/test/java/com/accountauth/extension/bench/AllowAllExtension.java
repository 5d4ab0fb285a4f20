package com.accountauth.extension.bench;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

/**
 * The benchmark's baseline: an authenticator that admits every CONNECT at once, with HiveMQ's default permissions
 * (none set: every topic allowed) and no authorizer, interceptor or client initializer.
 */
public final class AllowAllExtension implements ExtensionMain {

    @Override
    public void extensionStart(final ExtensionStartInput input, final ExtensionStartOutput output) {
        final SimpleAuthenticator allowAll = (authInput, authOutput) -> authOutput.authenticateSuccessfully();
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> allowAll);
    }

    @Override
    public void extensionStop(final ExtensionStopInput input, final ExtensionStopOutput output) {
    }
}
