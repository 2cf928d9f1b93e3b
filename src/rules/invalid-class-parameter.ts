import type { SyntaxNode } from '../parser/syntax.js';
import { unwrapParens, type ModalModel } from '../model/model.js';
import { defineRule } from './types.js';

/** Builtin types without a parameter encoder; only int, str, bytes and bool have one (`_type_manager.py`). */
const UNSUPPORTED_BUILTINS = new Set(['float', 'complex', 'list', 'dict', 'tuple', 'set', 'frozenset', 'bytearray', 'object']);

interface ParameterField {
  name: string;
  assignment: SyntaxNode;
  annotation: SyntaxNode | null;
}

/** `x: T = modal.parameter(...)` fields in a class body; `init=False` fields are not parameters (cls.py:949-950). */
function parameterFields(model: ModalModel, body: SyntaxNode): ParameterField[] {
  const fields: ParameterField[] = [];
  for (const statement of body.namedChildren) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment' || assignment.field('left')?.type !== 'identifier') continue;
    const assigned = assignment.field('right');
    const right = assigned ? unwrapParens(assigned) : null;
    if (right?.type !== 'call' || model.qualifiedName(right.field('function')) !== 'modal.parameter') continue;
    const init = right.field('arguments')?.namedChildren.find((a) => a.type === 'keyword_argument' && a.field('name')?.text === 'init');
    if (right.field('arguments')?.namedChildren.some((a) => a.type === 'dictionary_splat')) continue;
    if (init) {
      const value = model.resolve(init.field('value'));
      if (value.kind !== 'bool' || !value.value) continue;
    }
    fields.push({ name: assignment.field('left')!.text, assignment, annotation: assignment.field('type')?.namedChildren[0] ?? null });
  }
  return fields;
}

/** Why an annotation is not a supported parameter type, or null when it is (or cannot be told). */
function unsupported(model: ModalModel, annotation: SyntaxNode): string | null {
  if (annotation.type === 'identifier') {
    if (model.bindingsFor(annotation).length > 0 || model.moduleBindingsOf(annotation.text).length > 0) return null;
    return UNSUPPORTED_BUILTINS.has(annotation.text) ? `\`${annotation.text}\`` : null;
  }
  // `list[str]`, `Optional[int]`, `int | None`: generic aliases and unions have no encoder either.
  if (annotation.type === 'generic_type' || annotation.type === 'subscript' || annotation.type === 'binary_operator') return `\`${annotation.text}\``;
  return null;
}

/** `from __future__ import annotations` turns every annotation into a string, which this rule does not read. */
function postponedAnnotations(model: ModalModel): boolean {
  return model.nodesOfType('future_import_statement').some((statement) => /\bannotations\b/.test(statement.text));
}

export default defineRule({
  id: 'invalid-class-parameter',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['classes', 'import-time'],
  summary: '`modal.parameter()` field that `@app.cls` rejects: no annotation, an unsupported type, or a custom `__init__`.',
  docs: {
    what: 'Checks the `modal.parameter()` fields of classes registered with `@app.cls`: a field without a type annotation, a field annotated with a type Modal cannot pass as a parameter (`float`, `list`, `dict`, ..., generic aliases such as `list[str]` or `Optional[int]`, unions such as `int | None`), and a class that defines its own `__init__` next to such fields. Fields with `init=False` are not parameters and are left alone, as are files with `from __future__ import annotations` (annotations are then strings) and annotations naming a project type.',
    why: '`@app.cls` validates the class when the module is imported (`_Cls.validate_construction_mechanism`, `modal/cls.py:566-603`, called from `app.py:1267`): a custom `__init__` beside `modal.parameter()` fields raises InvalidError ("can\'t have both a custom __init__ constructor and dataclass-style modal.parameter() annotations"), a field without an annotation raises InvalidError ("need to be type-annotated"), and an annotation without a parameter encoder is rejected; only `int`, `str`, `bytes` and `bool` have one (`modal/_type_manager.py`). So `modal run`, `modal deploy` and every container start fail.',
    example: '@app.cls()\nclass Model:\n    temperature: float = modal.parameter(default=0.7)\n    name = modal.parameter()',
    useInstead: '@app.cls()\nclass Model:\n    temperature: str = modal.parameter(default="0.7")  # parse with float(self.temperature)\n    name: str = modal.parameter()',
    link: 'https://modal.com/docs/guide/parametrized-functions',
  },
  messages: {
    missingAnnotation: 'Class parameter `{name}` has no type annotation: `@app.cls` raises InvalidError ("All modal.parameter() specifications need to be type-annotated") at import; annotate it as `int`, `str`, `bytes` or `bool`.',
    unsupportedType: 'Class parameter `{name}` is annotated {type}, which is not a type `modal.parameter()` supports: `@app.cls` raises at import; use `int`, `str`, `bytes` or `bool` (parse other values from a string).',
    customInit: 'Class `{class}` defines `__init__` and also has `modal.parameter()` fields: `@app.cls` raises InvalidError ("can\'t have both a custom __init__ constructor and dataclass-style modal.parameter() annotations") at import; drop `__init__` and do setup in a `@modal.enter()` method.',
  },
  check({ model, report }) {
    if (model.modalShadowed) return;
    const postponed = postponedAnnotations(model);
    for (const modalClass of model.classes) {
      if (modalClass.registration.kind !== 'cls' || !modalClass.registration.call) continue;
      const body = modalClass.definition.field('body');
      if (!body) continue;
      const fields = parameterFields(model, body);
      if (fields.length === 0) continue;
      const init = body.namedChildren.map((s) => (s.type === 'decorated_definition' ? s.field('definition') : s))
        .find((s) => s?.type === 'function_definition' && s.field('name')?.text === '__init__');
      if (init) report(init.field('name')!, 'customInit', { class: modalClass.name });
      for (const field of fields) {
        if (!field.annotation) report(field.assignment.field('left')!, 'missingAnnotation', { name: field.name });
        else if (!postponed) {
          const type = unsupported(model, field.annotation);
          if (type) report(field.annotation, 'unsupportedType', { name: field.name, type });
        }
      }
    }
  },
});
