package com.accountauth.extension.acl;

import java.util.HashMap;
import java.util.Map;

/** The values of one device row that topic templates are filled with. Any of them may be unsafe; see TopicTemplate. */
public record DeviceTopicValues(String vendor, String model, String uid, String mac) {

    public Map<String, String> asPlaceholderValues() {
        final Map<String, String> values = new HashMap<>(8);
        values.put("vendor", vendor);
        values.put("model", model);
        values.put("uid", uid);
        values.put("mac", mac);
        return values;
    }
}
