import { expect } from 'chai';
import { fieldRows, fieldTableDrift, fieldTables, withFieldTables } from './field-docs.js';

describe("the operator guide's field tables", () => {
  const guide = withFieldTables(
    Object.keys(fieldTables())
      .map((name) => `<!-- fields: ${name} -->\n<!-- end fields -->`)
      .join('\n\n'),
  );

  it('match when generated from the CRD schemas, however the table is padded', () => {
    expect(fieldTableDrift(guide)).to.deep.equal([]);
    expect(fieldTableDrift(guide.replace(/ \| /g, '   |   '))).to.deep.equal([]);
  });

  it('fail when a row differs from the schema or a table is missing', () => {
    const edited = guide.replace('| 1–100 characters |', '| 1–99 characters |');
    expect(fieldTableDrift(edited)).to.deep.equal(['ChatRoom.spec: differs from the CRD schema']);
    const missing = guide.replace(/<!-- fields: MoodModel\.status -->[\s\S]*$/, '');
    expect(fieldTableDrift(missing)).to.deep.equal(['MoodModel.status: missing']);
  });

  it('show one entry for properties that share a schema, and escape pipes', () => {
    const same = { type: 'object', properties: { replicas: { type: 'integer', default: 1 } } };
    const rows = fieldRows({ properties: { a: same, b: same, c: same } }, 'spec.services');
    expect(rows.map((row) => row[0])).to.deep.equal([
      '`spec.services.<service>`',
      '`spec.services.<service>.replicas`',
    ]);
    expect(rows[0]![3]).to.equal('one entry for each of `a`, `b`, `c`');
    expect(fieldRows({ properties: { p: { type: 'string', pattern: 'x|y' } } }, 'spec')[0]![3]).to.equal(
      'matches `x\\|y`',
    );
    const services = fieldTables()['MetaChat.spec']!.find((row) => row[0] === '`spec.services.<service>`');
    expect(services?.[3]).to.contain('`gateway`').and.contain('`notifications`');
    const quantity = fieldTables()['MoodModel.spec']!.find((row) => row[0] === '`spec.resources.limits.cpu`');
    expect(quantity?.[3]).to.contain('(m\\|Ki\\|');
  });
});
