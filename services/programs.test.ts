import { expect } from 'chai';
import { chooseProgram, helpText, programNames } from './programs.js';

describe('entry point arguments', () => {
  it('runs the program its only argument names', () => {
    for (const name of programNames)
      expect(chooseProgram([name])).to.deep.equal({ kind: 'run', program: name });
  });

  it('knows the operator and every service', () => {
    expect(programNames).to.have.members([
      'operator',
      'gateway',
      'chat',
      'identity',
      'mood',
      'diary',
      'portrait',
      'matching',
      'notifications',
    ]);
  });

  it('prints the programs for --help, -h and help', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const choice = chooseProgram([flag]);
      expect(choice).to.deep.equal({ kind: 'help', text: helpText() });
    }
    for (const name of programNames) expect(helpText()).to.match(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('refuses an unknown name with one line that lists the known ones', () => {
    const choice = chooseProgram(['chatt']);
    expect(choice.kind).to.equal('usage');
    const { message } = choice as { message: string };
    expect(message).to.not.include('\n');
    expect(message).to.include('unknown program "chatt"');
    for (const name of programNames) expect(message).to.include(name);
  });

  it('refuses no program, an empty name and extra arguments', () => {
    expect(chooseProgram([]).kind).to.equal('usage');
    expect(chooseProgram(['']).kind).to.equal('usage');
    expect(chooseProgram(['chat', '--port=1'])).to.deep.include({ kind: 'usage' });
  });

  it('does not take inherited object keys for programs', () => {
    expect(chooseProgram(['constructor']).kind).to.equal('usage');
    expect(chooseProgram(['toString']).kind).to.equal('usage');
  });
});
