package com.accountauth.extension.it;

import org.mindrot.jbcrypt.BCrypt;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every password the driver ever gave a principal (bcrypt cost 4, so the broker's checks stay cheap), so that clients
 * can log in with the one the DB holds now, or, as an attacker would, with an older one.
 */
final class PasswordBook {

    private final Map<String, String> passwordByHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashByPassword = new ConcurrentHashMap<>();
    private final Map<String, List<String>> passwordsByPrincipal = new ConcurrentHashMap<>();

    /** A new password for the principal; its hash, for the DB. */
    String newHash(final Who who) {
        final List<String> mine = passwordsByPrincipal.computeIfAbsent(who.key(), k -> new CopyOnWriteArrayList<>());
        final String password;
        synchronized (mine) {
            password = who.username() + "-pw-" + (mine.size() + 1);
            mine.add(password);
        }
        final String hash = BCrypt.hashpw(password, BCrypt.gensalt(4));
        passwordByHash.put(hash, password);
        hashByPassword.put(password, hash);
        return hash;
    }

    Optional<String> passwordOf(final String hash) {
        return hash == null ? Optional.empty() : Optional.ofNullable(passwordByHash.get(hash));
    }

    String hashOf(final String password) {
        return hashByPassword.get(password);
    }

    /** The principal's newest password (also after its row was deleted). */
    String newest(final Who who) {
        final List<String> mine = passwordsByPrincipal.get(who.key());
        return mine.get(mine.size() - 1);
    }

    /** A password the principal had before its current one, if any. */
    Optional<String> older(final Who who, final String current, final java.util.Random random) {
        final List<String> mine = passwordsByPrincipal.get(who.key()).stream().filter(p -> !p.equals(current))
                .toList();
        return mine.isEmpty() ? Optional.empty() : Optional.of(mine.get(random.nextInt(mine.size())));
    }
}
