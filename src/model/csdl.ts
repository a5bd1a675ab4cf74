// The `$metadata` document (OData CSDL XML), generated from the same declarations the server runs on.
import type { PropertyDecl } from './edm.js';
import type { Model } from './model.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function typeRef(p: { type: string; collection?: boolean }): string {
  return p.collection ? `Collection(${p.type})` : p.type;
}

function propertyXml(p: PropertyDecl): string {
  const attrs = [`Name="${esc(p.name)}"`, `Type="${esc(typeRef(p))}"`];
  // Defaults are behaviour (what a create fills in), not part of Graph's declarations: no DefaultValue.
  if (p.nullable === false) attrs.push('Nullable="false"');
  const annotations: string[] = [];
  if (p.readOnly || p.stamp) annotations.push('<Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />');
  if (p.immutable) annotations.push('<Annotation Term="Org.OData.Core.V1.Immutable" Bool="true" />');
  if (!annotations.length) return `<Property ${attrs.join(' ')} />`;
  return `<Property ${attrs.join(' ')}>${annotations.join('')}</Property>`;
}

/** Entity types of `namespace` some change-tracked collection holds. */
function deltaTypes(model: Model, namespace: string): string[] {
  const types = new Set<string>();
  for (const set of model.entitySets) if (set.changeTracking) types.add(set.type);
  for (const t of model.structuredTypes()) for (const n of t.decl.navigation ?? []) if (n.changeTracking) types.add(n.type);
  return [...types].filter((q) => model.entityType(q).namespace === namespace);
}

export function buildCsdl(model: Model): string {
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="utf-8"?>');
  out.push('<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">');
  // The Core vocabulary's terms (Computed, Immutable) are used below; CSDL asks for the reference.
  out.push('<edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">');
  out.push('<edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />');
  out.push('</edmx:Reference>');
  out.push('<edmx:DataServices>');
  const containerNamespace = 'microsoft.graph';
  // Several declaration files may share a namespace; CSDL wants one Schema element for each.
  const namespaces = [...new Set(model.schemas.map((s) => s.namespace))];
  for (const namespace of namespaces) {
    const types = model.schemas.filter((s) => s.namespace === namespace).flatMap((s) => s.types);
    out.push(`<Schema Namespace="${esc(namespace)}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`);
    for (const t of types) {
      if (t.kind === 'enum') {
        out.push(`<EnumType Name="${esc(t.name)}"${t.isFlags ? ' IsFlags="true"' : ''}>`);
        t.members.forEach((m, i) => out.push(`<Member Name="${esc(m)}" Value="${t.isFlags ? 1 << i : i}" />`));
        out.push('</EnumType>');
        continue;
      }
      const tag = t.kind === 'entity' ? 'EntityType' : 'ComplexType';
      const attrs = [`Name="${esc(t.name)}"`];
      if (t.baseType) attrs.push(`BaseType="${esc(t.baseType)}"`);
      if (t.abstract) attrs.push('Abstract="true"');
      if (t.openType) attrs.push('OpenType="true"');
      out.push(`<${tag} ${attrs.join(' ')}>`);
      // A root entity type is keyed by its id; one without an id (Graph's solutionsRoot) declares no key.
      if (t.kind === 'entity' && !t.baseType && t.properties.some((p) => p.name === 'id')) out.push('<Key><PropertyRef Name="id" /></Key>');
      for (const p of t.properties) out.push(propertyXml(p));
      for (const n of t.navigation ?? []) {
        out.push(
          `<NavigationProperty Name="${esc(n.name)}" Type="${esc(typeRef({ type: n.type, collection: n.collection }))}"${n.collection ? '' : ' Nullable="true"'} ContainsTarget="true" />`,
        );
      }
      out.push(`</${tag}>`);
    }
    // Collections the model marks change-tracked get Graph's bound `delta` function.
    for (const type of deltaTypes(model, namespace)) {
      out.push('<Function Name="delta" IsBound="true">');
      out.push(`<Parameter Name="bindingParameter" Type="Collection(${esc(type)})" />`);
      out.push(`<ReturnType Type="Collection(${esc(type)})" />`);
      out.push('</Function>');
    }
    // Bound actions, as Graph declares them: the binding parameter first, named after the bound type.
    for (const a of model.actions.filter((x) => x.namespace === namespace)) {
      out.push(`<Action Name="${esc(a.decl.name)}" IsBound="true">`);
      out.push(`<Parameter Name="${esc(a.decl.bindingParameter)}" Type="${esc(a.decl.bindingType)}" Nullable="false" />`);
      for (const p of a.decl.parameters ?? []) {
        out.push(`<Parameter Name="${esc(p.name)}" Type="${esc(typeRef(p))}"${p.nullable === false ? ' Nullable="false"' : ''} />`);
      }
      if (a.decl.returnType) out.push(`<ReturnType Type="${esc(typeRef(a.decl.returnType))}" />`);
      out.push('</Action>');
    }
    if (namespace === containerNamespace) {
      out.push('<EntityContainer Name="GraphService">');
      for (const s of model.entitySets) out.push(`<EntitySet Name="${esc(s.name)}" EntityType="${esc(s.type)}" />`);
      for (const s of model.singletons) out.push(`<Singleton Name="${esc(s.name)}" Type="${esc(s.type)}" />`);
      out.push('</EntityContainer>');
    }
    out.push('</Schema>');
  }
  out.push('</edmx:DataServices>');
  out.push('</edmx:Edmx>');
  return out.join('\n');
}
