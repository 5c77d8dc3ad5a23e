/**
 * The floor of `npm run bench:admission`: a bare node:https server that reads each request body and
 * answers a fixed allowed AdmissionReview, with the same kind of certificate as the webhook. What
 * it measures is the machine, TLS and the load generator; no webhook can be faster here.
 *
 *   node bench/lib/https-floor-server.ts
 *
 * Prints `ready <url> <base64 CA PEM>` once it listens, as the webhook's bench server does; stops on SIGTERM.
 */
import { createServer } from 'node:https';
import { generateWebhookCertificate } from '../../src/admission/index.ts';

const certificate = await generateWebhookCertificate({ serviceName: 'portcullis-admission', namespace: 'bench', extraNames: ['127.0.0.1'] });
const server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const uid = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: { uid?: string } }).request?.uid ?? '';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } }));
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`ready https://127.0.0.1:${address.port}/admission ${Buffer.from(certificate.caCert).toString('base64')}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
