/**
 * The simulation's one memo for values derived from an object: computed on first ask, kept as
 * long as the object lives, never seen by anyone as state. Only for what follows from the object
 * alone (an index, a parsed form, a derived list); what means something between calls lives in the
 * data itself (docs/architecture.md, "State"), so a copied cluster behaves like the original.
 */
export function weakCache<K extends object, V>(derive: (key: K) => V): (key: K) => V {
  const values = new WeakMap<K, V>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined && !values.has(key)) {
      value = derive(key);
      values.set(key, value);
    }
    return value as V;
  };
}
