import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  SelectionSetNode,
  ValidationRule,
} from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { measureFragment, newFragmentWalk, type FragmentWalk } from './fragment-memo.ts';
import { limitRule } from './limit-rule.ts';
import { isIntrospectionField } from './selection-measure.ts';

const { Kind, getNamedType, getNullableType, isCompositeType, isListType, isObjectType, isInterfaceType, valueFromASTUntyped } = graphqlRuntime;

export interface CostSettings {
  /** Refuse an operation costing more than this. */
  maxCost: number;
  /** Items assumed for a list field without a `first` argument (and for `first` given as null). */
  listSize: number;
}

/** The argument whose value says how many items a list field returns. */
const PAGE_ARGUMENT = 'first';

/** Each fragment's cost is taken once per (fragment, paged): see fragment-memo.ts. */
interface Walk extends FragmentWalk {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  settings: CostSettings;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** `first` as the request gives it (literal or variable), else its declared default. */
function pageSize(node: FieldNode, field: GraphQLField<unknown, unknown>, walk: Walk): number | undefined {
  const declared = field.args.find((arg) => arg.name === PAGE_ARGUMENT);
  if (!declared) return undefined;
  const given = node.arguments?.find((arg) => arg.name.value === PAGE_ARGUMENT);
  if (given) {
    const value = given.value.kind === Kind.VARIABLE ? walk.variables[given.value.name.value] : valueFromASTUntyped(given.value, walk.variables);
    return count(value) ?? count(declared.defaultValue) ?? walk.settings.listSize;
  }
  return count(declared.defaultValue) ?? walk.settings.listSize;
}

function fieldsOf(type: GraphQLNamedType | undefined | null): Record<string, GraphQLField<unknown, unknown>> {
  return type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};
}

/**
 * The cost of a selection set on `parent`: every object (or list item) a field returns costs 1,
 * times the number of items its list holds; leaves are free (they come in the same fetch).
 * `paged` is set inside a field that took `first` but returns one object (a connection): its
 * `edges` list then holds `first` items already counted, not another `listSize`.
 */
function selectionCost(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined | null, walk: Walk, paged: boolean): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      total += selectionCost(selection.selectionSet, type, walk, paged);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const measure = (fragment: FragmentDefinitionNode) => selectionCost(fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value), walk, paged);
      const cost = measureFragment(walk, name, measure, `${name}|${paged}`) ?? 0;
      total += cost;
      continue;
    }
    if (isIntrospectionField(selection.name.value) || !selection.selectionSet) continue;
    const field = fieldsOf(parent)[selection.name.value];
    if (!field || !isCompositeType(getNamedType(field.type))) continue;
    const list = isListType(getNullableType(field.type));
    const first = pageSize(selection, field, walk);
    const items = first ?? (list ? (paged ? 1 : walk.settings.listSize) : 1);
    const childPaged = first !== undefined && !list;
    total += items * (1 + selectionCost(selection.selectionSet, getNamedType(field.type), walk, childPaged));
  }
  return total;
}

/** The cost of one operation of `document` (see selectionCost), with its variables. */
export function operationCost(
  schema: GraphQLSchema,
  operation: { operation: 'query' | 'mutation' | 'subscription'; selectionSet: SelectionSetNode },
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  settings: CostSettings,
): number {
  const root = schema.getRootType(operation.operation as never);
  return selectionCost(operation.selectionSet, root, { ...newFragmentWalk(fragments), schema, variables, settings }, false);
}

/** Refuses an operation whose cost (operationCost) is above `settings.maxCost`. */
export function costLimitRule(settings: CostSettings, variables: Record<string, unknown> = {}): ValidationRule {
  return limitRule({
    limit: 'COST',
    max: settings.maxCost,
    measure: (operation, fragments, context) => operationCost(context.getSchema(), operation, fragments, variables, settings),
    message: (cost, max) => `The operation would cost ${cost}; at most ${max} is allowed. Ask for fewer items (first) or fewer nested lists.`,
  });
}
