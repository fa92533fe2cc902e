package dev.lattice.sql.analysis;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A map of at most {@code capacity} entries for the analyzer's caches: a hit is one lookup in a
 * {@link ConcurrentHashMap}, with no lock and no allocation. When full, adding evicts about an
 * eighth of the entries, whichever the map's iteration meets first (close to random).
 */
final class BoundedCache<K, V> {
  private final ConcurrentHashMap<K, V> map;
  private final int capacity;
  private final AtomicBoolean evicting = new AtomicBoolean();

  BoundedCache(int capacity) {
    this.capacity = capacity;
    this.map = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1);
  }

  V get(K key) {
    return map.get(key);
  }

  /** Adds {@code value} unless {@code key} is present or there is no room for it now. */
  void putIfAbsent(K key, V value) {
    if (capacity == 0) {
      return;
    }
    // Full while another thread evicts: do not add, or the cache outgrows its bound meanwhile.
    if (map.size() < capacity || evict()) {
      map.putIfAbsent(key, value);
    }
  }

  /** Replaces {@code key}'s {@code expected} value by {@code value}, if it is still there. */
  void replace(K key, V expected, V value) {
    map.replace(key, expected, value);
  }

  int capacity() {
    return capacity;
  }

  int size() {
    return map.size();
  }

  /** Evicts about an eighth of the entries; false when another thread is evicting already. */
  private boolean evict() {
    if (!evicting.compareAndSet(false, true)) {
      return false;
    }
    try {
      int toRemove = Math.max(1, capacity / 8);
      Iterator<K> it = map.keySet().iterator();
      while (toRemove-- > 0 && it.hasNext()) {
        it.next();
        it.remove();
      }
    } finally {
      evicting.set(false);
    }
    return true;
  }
}
