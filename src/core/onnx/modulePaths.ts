/**
 * PyTorch module paths from ONNX node names, and the tree of modules they form.
 *
 * torch.onnx.export names a node `/<scope>/<scope>/…/<Op>`: one segment per module call, where a
 * child of a called Sequential repeats its parent's name (`/input_blocks.1/input_blocks.1.0/…`)
 * and an element of an iterated ModuleList does not (`/down_blocks.0/resnets.0/…`). Both become
 * the dotted path the module has in `named_modules()`: `input_blocks.1.0…`, `down_blocks.0.resnets.0…`.
 */

const INT = /^\d+$/;

export const isListIndex = (atom: string): boolean => INT.test(atom);

/** The module path of a node, as atoms (`['inp', '3', 'conv']`); [] when the name has none. */
export function modulePath(nodeName: string): string[] {
  if (!nodeName.includes('/')) return [];
  const segs = nodeName.replace(/^\/+/, '').split('/');
  segs.pop(); // the node's own name (`Conv`, `Add_1`)
  const atoms: string[] = [];
  let prev = '';
  for (const s of segs) {
    if (s === '') continue;
    const part = prev !== '' && s.startsWith(`${prev}.`) ? s.slice(prev.length + 1) : s;
    atoms.push(...part.split('.').filter((a) => a !== ''));
    prev = s;
  }
  return atoms;
}

/** The modules seen in node names, as a tree of atoms. */
export class ModuleTree {
  private readonly children = new Map<string, Set<string>>();

  constructor(paths: Iterable<readonly string[]>) {
    for (const atoms of paths) {
      for (let k = 0; k < atoms.length; k++) {
        const key = atoms.slice(0, k).join('.');
        const set = this.children.get(key) ?? new Set<string>();
        set.add(atoms[k]!);
        this.children.set(key, set);
      }
    }
  }

  childrenOf(path: readonly string[]): string[] {
    return [...(this.children.get(path.join('.')) ?? [])];
  }

  /**
   * The units one level below `path`: its children, where a child that is a numbered list (all
   * of its own children are indices: a ModuleList or Sequential) stands for its elements.
   */
  unitsBelow(path: readonly string[]): string[][] {
    const out: string[][] = [];
    for (const c of this.childrenOf(path)) {
      const child = [...path, c];
      const grand = this.childrenOf(child);
      if (!isListIndex(c) && grand.length > 0 && grand.every(isListIndex)) {
        for (const g of grand) out.push([...child, g]);
      } else out.push(child);
    }
    return out;
  }

  /** The top of the model: below single wrapper modules (`model.`, `unet.`). */
  top(): string[] {
    const path: string[] = [];
    for (let guard = 0; guard < 8; guard++) {
      const c = this.childrenOf(path);
      if (c.length !== 1 || isListIndex(c[0]!)) break;
      path.push(c[0]!);
    }
    return path;
  }
}
