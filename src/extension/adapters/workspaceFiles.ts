/**
 * The WorkspaceFiles port over VS Code documents: open documents are the truth (they may hold
 * unsaved edits, which also go into the sandbox overlay), disk is the fallback. `replace` is one
 * WorkspaceEdit so Ctrl+Z undoes a heal in one step, and it refuses when the text moved on.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SelfHealError } from '../../core/model';
import type { WorkspaceFiles } from '../../core/ports';
import { minimalReplacement } from '../textEdit';

export class DocumentWorkspaceFiles implements WorkspaceFiles {
  readonly root: string;

  constructor(folder: vscode.Uri) {
    this.root = folder.fsPath;
  }

  uri(rel: string): vscode.Uri {
    return vscode.Uri.file(path.resolve(this.root, rel));
  }

  relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const rel = path.relative(this.root, uri.fsPath);
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
  }

  private openDocument(rel: string): vscode.TextDocument | undefined {
    const target = this.uri(rel).toString();
    return vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === target);
  }

  async read(rel: string): Promise<string | undefined> {
    const open = this.openDocument(rel);
    if (open) return open.getText();
    try {
      return await fs.readFile(this.uri(rel).fsPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async unsavedBuffers(): Promise<Record<string, string>> {
    const buffers: Record<string, string> = {};
    for (const doc of vscode.workspace.textDocuments) {
      const rel = doc.isDirty ? this.relative(doc.uri) : undefined;
      if (rel) buffers[rel] = doc.getText();
    }
    return buffers;
  }

  async replace(rel: string, expected: string, next: string): Promise<void> {
    const uri = this.uri(rel);
    const exists = (await this.read(rel)) !== undefined;
    const edit = new vscode.WorkspaceEdit();
    let doc: vscode.TextDocument | undefined;
    if (!exists) {
      if (expected !== '') throw stale(rel);
      edit.createFile(uri, { contents: new TextEncoder().encode(next) });
    } else {
      doc = await vscode.workspace.openTextDocument(uri);
      if (doc.getText() !== expected) throw stale(rel);
      const change = minimalReplacement(expected, next);
      edit.replace(uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.newText);
    }
    const wasDirty = doc?.isDirty ?? false;
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new SelfHealError('STALE', `VS Code refused the edit to ${rel} (is the file read-only or being changed?). Run the heal again.`);
    }
    // A file that matched the disk stays saved, so the next test run sees the fix; one with the
    // user's unsaved work stays unsaved, as theirs to save. Ctrl+Z still undoes the edit either way.
    if (doc && !wasDirty) await doc.save();
  }
}

function stale(rel: string): SelfHealError {
  return new SelfHealError('STALE', `${rel} changed since the fix was verified, so it was not applied. Run Self-Heal again on the current text.`);
}
