import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import {
  ADDRTEST_MIME,
  DIALOGUE_MIME,
  MESSAGE_MIME,
  QUEUE_MIME,
  TRACE_MIME,
  renderAddressTest,
  renderDialogue,
  renderError,
  renderMessage,
  renderQueue,
  renderTrace
} from './render';

// One small rendermime extension per MIME type; the drawing itself is in ./render (pure DOM
// functions, unit-tested on jsdom), the widget only hands it the payload.

type Render = (data: unknown) => HTMLElement;

class MailkitRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(
    private readonly mime: string,
    private readonly draw: Render
  ) {
    super();
    this.addClass('mk-output');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    let node: HTMLElement;
    try {
      node = this.draw(model.data[this.mime]);
    } catch (err) {
      node = renderError(this.mime, err); // a bad payload shows why, it does not break the cell
    }
    this.node.replaceChildren(node);
    return Promise.resolve();
  }
}

function extension(id: string, mime: string, draw: Render): IRenderMime.IExtension {
  return {
    id: `mailkit:${id}`,
    description: `Renders ${mime}`,
    rendererFactory: {
      safe: true,
      mimeTypes: [mime],
      defaultRank: 50,
      createRenderer: () => new MailkitRenderer(mime, draw)
    },
    rank: 50,
    dataType: 'json'
  };
}

const extensions: IRenderMime.IExtension[] = [
  extension('dialogue', DIALOGUE_MIME, renderDialogue),
  extension('queue', QUEUE_MIME, renderQueue),
  extension('message', MESSAGE_MIME, renderMessage),
  extension('trace', TRACE_MIME, renderTrace),
  extension('addrtest', ADDRTEST_MIME, renderAddressTest)
];

export default extensions;
