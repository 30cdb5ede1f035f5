/**
 * A module (or what is built from it) loaded on first use and shared after: for packages that are
 * slow to load and needed only by some deployments or some requests (a provider's SDK, Excel, PDF).
 * A failed load is not remembered, so the next use tries again.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
