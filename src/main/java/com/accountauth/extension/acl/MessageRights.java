package com.accountauth.extension.acl;

/**
 * What a principal may do on its topics beyond plain publishing and subscribing. Both are refusals by default for a
 * reason: a retained message outlives the right that let it in (an owner's retained command is replayed to the
 * device on every connect, also after the owner was unpaired), and a shared subscription takes messages away from
 * the group's other members.
 *
 * @param retain              may publish (and leave a Will) with the retain flag, where it may publish at all
 * @param sharedSubscriptions may subscribe with {@code $share/<group>/<filter>}, where it may subscribe to the filter
 */
public record MessageRights(boolean retain, boolean sharedSubscriptions) {

    /** Neither. */
    public static final MessageRights NONE = new MessageRights(false, false);
}
