import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { LanguageSupport, StreamLanguage } from '@codemirror/language';
import { MAIL_LANGUAGES } from './languages';

// Syntax highlighting for sendmail's files: a CodeMirror 6 stream language per file kind,
// registered with JupyterLab's language registry (found by file name or extension), plus a
// document file type so the files open in the text editor.

const languages: JupyterFrontEndPlugin<void> = {
  id: 'mailkit:languages',
  description: 'Syntax highlighting for sendmail.cf, sendmail.mc, aliases, access and virtusertable',
  autoStart: true,
  requires: [IEditorLanguageRegistry],
  activate: (app: JupyterFrontEnd, registry: IEditorLanguageRegistry) => {
    for (const lang of MAIL_LANGUAGES) {
      registry.addLanguage({
        name: lang.name,
        displayName: lang.displayName,
        mime: lang.mime,
        extensions: lang.extensions,
        filename: lang.filename,
        load: async () => new LanguageSupport(StreamLanguage.define(lang.parser))
      });
      app.docRegistry.addFileType(
        {
          name: lang.name,
          displayName: lang.displayName,
          mimeTypes: [lang.mime],
          extensions: lang.extensions.map(e => `.${e}`),
          pattern: lang.filename?.source,
          fileFormat: 'text',
          contentType: 'file'
        },
        ['Editor']
      );
    }
  }
};

export default [languages];
