export { renderError, PayloadError } from './dom';
export { DIALOGUE_MIME, renderDialogue, lineTitle } from './dialogue';
export { QUEUE_MIME, renderQueue } from './queue';
export { MESSAGE_MIME, renderMessage } from './message';
export { TRACE_MIME, renderTrace, stepStatus } from './trace';
export { explainCode, replyCode } from './replycodes';
export { ADDRTEST_MIME, renderAddressTest } from './addrtest';
