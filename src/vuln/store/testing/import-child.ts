/**
 * Test helper run as a child process: imports the paths given on the command line into the
 * database given first, printing "progress N" after every 100 stored records so the parent test
 * can kill it in the middle of the transaction.
 */
import { importPaths } from '../../sources/import.ts';
import { openAdvisoryStore } from '../index.ts';

const [database, ...paths] = process.argv.slice(2);
if (!database || paths.length === 0) throw new Error('usage: import-child.ts DB PATH...');
const store = openAdvisoryStore(database);
await importPaths(store, paths, {
  onRecord(total) {
    if (total % 100 === 0) process.stdout.write(`progress ${total}\n`);
  },
});
store.close();
process.stdout.write('finished\n');
