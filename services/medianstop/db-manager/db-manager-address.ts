import { invalidRequest, quote } from '../../../shared/errors/service-error.js';

const EXAMPLE = 'katib-db-manager.kubeflow:6789';
// A DNS name or IPv4 address, or an IPv6 address in brackets, then a port.
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/** Checks the request's `db_manager_address` before any connection is tried; returns it trimmed. */
export function parseDbManagerAddress(text: string): string {
  const address = text.trim();
  if (address === '') {
    throw invalidRequest(`db_manager_address is empty; expected host:port of Katib's DB manager, e.g. ${EXAMPLE}`);
  }
  const match = HOST_PORT.exec(address);
  const port = match === null ? NaN : Number(match[1]);
  if (!(port >= 1 && port <= 65535)) {
    throw invalidRequest(`db_manager_address ${quote(text)} is not host:port with a port from 1 to 65535; expected e.g. ${EXAMPLE}`);
  }
  return address;
}
