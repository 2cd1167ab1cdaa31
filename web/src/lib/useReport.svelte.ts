import { apiGet, ApiFailure } from './api';

/**
 * Loads a report whenever its URL changes, cancelling the previous request: a page calls it
 * with a getter, so the URL is tracked by the effect and the state lives in one place.
 */
export function useReport<T>(url: () => string | null) {
  const state = $state<{ data: T | null; loading: boolean; error: string | null }>({ data: null, loading: true, error: null });
  $effect(() => {
    const target = url();
    if (target === null) return;
    const controller = new AbortController();
    state.loading = true;
    state.error = null;
    apiGet<T>(target, controller.signal)
      .then((data) => (state.data = data))
      .catch((e) => {
        if (!controller.signal.aborted) state.error = e instanceof ApiFailure ? e.message : 'The report could not be loaded.';
      })
      .finally(() => {
        if (!controller.signal.aborted) state.loading = false;
      });
    return () => controller.abort();
  });
  return state;
}
