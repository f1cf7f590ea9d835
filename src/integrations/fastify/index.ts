/**
 * `unipool/fastify`: one unipool request scope per Fastify request, `fastify.dbs`, and the pools
 * closed with the app. Needs only Fastify's types: importing it loads no Fastify code.
 */
export { unipoolFastify, type UnipoolFastifyOptions } from './unipool-fastify.js';
