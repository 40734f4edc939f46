package io.ffmpegqueue.internal.submit;

import java.net.URI;
import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A request's inputs as the queue stores them: the names and the URIs' text in one array, a {@link URI}
 * made again on each access. A parsed {@code URI} keeps its text and up to eight parts of it as strings
 * (about 450 bytes for a typical signed URL), and a pending task is read only when a worker runs it, so a
 * queue holding many pending tasks holds the text alone.
 *
 * <p>An immutable {@code Map<String, URI>} in declaration order, with the {@code Map} contract's
 * {@code equals}, {@code hashCode} and {@code toString}: values compare as {@code URI}s. Made only from URIs
 * that parsed and are absolute, and {@code new URI(u.toString()).equals(u)} holds for every {@code URI}, so
 * making one again never fails and gives an equal URI.
 */
public final class CompactInputs implements Map<String, URI> {
  // name0, text0, name1, text1, ...
  private final String[] entries;

  private CompactInputs(String[] entries) {
    this.entries = entries;
  }

  /**
   * {@code inputs} held compactly; {@code inputs} itself when it already is, or when it is empty.
   *
   * @throws IllegalArgumentException when a URI is not absolute (a request never holds one)
   */
  public static Map<String, URI> of(Map<String, URI> inputs) {
    return of(inputs, null);
  }

  /** {@link #of(Map)}, with the names shared through {@code names} when it is not null. */
  static Map<String, URI> of(Map<String, URI> inputs, SharedText names) {
    if (inputs instanceof CompactInputs || inputs.isEmpty()) {
      return inputs;
    }
    String[] entries = new String[inputs.size() * 2];
    int[] next = {0};
    // forEach, not entrySet(): see TaskRequest; the maps passed here are requests' immutable ones.
    inputs.forEach((name, uri) -> {
      if (!uri.isAbsolute()) {
        throw new IllegalArgumentException("input '" + name + "' has no scheme");
      }
      entries[next[0]++] = names == null ? name : names.of(name);
      entries[next[0]++] = uri.toString();
    });
    return new CompactInputs(entries);
  }

  /** The name of input {@code i}, in declaration order, without making its URI. */
  public String name(int i) {
    return entries[2 * i];
  }

  private URI uri(int i) {
    return URI.create(entries[2 * i + 1]);
  }

  private int indexOf(Object name) {
    if (name != null) {
      for (int i = 0; i < entries.length; i += 2) {
        if (entries[i].equals(name)) {
          return i / 2;
        }
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return entries.length / 2;
  }

  @Override
  public boolean isEmpty() {
    return entries.length == 0;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public boolean containsValue(Object value) {
    if (!(value instanceof URI)) {
      return false;
    }
    for (int i = 0; i < size(); i++) {
      if (uri(i).equals(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public URI get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : uri(i);
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super URI> action) {
    for (int i = 0; i < size(); i++) {
      action.accept(name(i), uri(i));
    }
  }

  // Views are made on each call, never kept: see TaskRequest on cached views inside stored requests.

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return new Cursor<>() {
          @Override
          String at(int i) {
            return name(i);
          }
        };
      }

      @Override
      public int size() {
        return CompactInputs.this.size();
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }
    };
  }

  @Override
  public Collection<URI> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<URI> iterator() {
        return new Cursor<>() {
          @Override
          URI at(int i) {
            return uri(i);
          }
        };
      }

      @Override
      public int size() {
        return CompactInputs.this.size();
      }
    };
  }

  @Override
  public Set<Map.Entry<String, URI>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, URI>> iterator() {
        return new Cursor<>() {
          @Override
          Map.Entry<String, URI> at(int i) {
            return Map.entry(name(i), uri(i));
          }
        };
      }

      @Override
      public int size() {
        return CompactInputs.this.size();
      }
    };
  }

  /** An iterator over the entries' indexes; {@code remove} is unsupported, as the map is immutable. */
  private abstract class Cursor<T> implements Iterator<T> {
    private int next;

    abstract T at(int i);

    @Override
    public boolean hasNext() {
      return next < size();
    }

    @Override
    public T next() {
      if (next >= size()) {
        throw new NoSuchElementException();
      }
      return at(next++);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Map<?, ?> m) || m.size() != size()) {
      return false;
    }
    try {
      for (int i = 0; i < size(); i++) {
        Object v = m.get(name(i));
        if (v == null || !v.equals(uri(i))) {
          return false;
        }
      }
    } catch (ClassCastException | NullPointerException e) {
      return false; // as AbstractMap: a map that cannot hold these keys is not equal
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < size(); i++) {
      h += name(i).hashCode() ^ uri(i).hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < entries.length; i += 2) {
      if (i > 0) {
        b.append(", ");
      }
      // A URI's toString() is the text it was parsed from.
      b.append(entries[i]).append('=').append(entries[i + 1]);
    }
    return b.append('}').toString();
  }

  // Immutable: every mutator throws, including those Map implements by default through put().

  private static UnsupportedOperationException immutable() {
    return new UnsupportedOperationException("a request's inputs are immutable");
  }

  @Override
  public URI put(String key, URI value) {
    throw immutable();
  }

  @Override
  public URI remove(Object key) {
    throw immutable();
  }

  @Override
  public void putAll(Map<? extends String, ? extends URI> m) {
    throw immutable();
  }

  @Override
  public void clear() {
    throw immutable();
  }

  @Override
  public URI putIfAbsent(String key, URI value) {
    throw immutable();
  }

  @Override
  public boolean remove(Object key, Object value) {
    throw immutable();
  }

  @Override
  public boolean replace(String key, URI oldValue, URI newValue) {
    throw immutable();
  }

  @Override
  public URI replace(String key, URI value) {
    throw immutable();
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super URI, ? extends URI> function) {
    throw immutable();
  }

  @Override
  public URI computeIfAbsent(String key, Function<? super String, ? extends URI> mappingFunction) {
    throw immutable();
  }

  @Override
  public URI computeIfPresent(String key, BiFunction<? super String, ? super URI, ? extends URI> remappingFunction) {
    throw immutable();
  }

  @Override
  public URI compute(String key, BiFunction<? super String, ? super URI, ? extends URI> remappingFunction) {
    throw immutable();
  }

  @Override
  public URI merge(String key, URI value, BiFunction<? super URI, ? super URI, ? extends URI> remappingFunction) {
    throw immutable();
  }
}
