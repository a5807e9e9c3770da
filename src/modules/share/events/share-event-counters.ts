/**
 * The `counter` rows of the event path: how far the publisher has published (it goes on from there
 * after a crash), and up to which cursor retention has pruned (older cursors answer CURSOR_EXPIRED).
 */
export const PUBLISHED_COUNTER = 'share_event_published';
export const PRUNED_COUNTER = 'share_event_pruned';
