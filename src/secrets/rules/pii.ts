/**
 * Personal data (off by default, on with --pii). Patterns alone would flag serial numbers and
 * version strings, so each number must also pass its checksum or issuing rules (checks.ts), and the
 * phone rule accepts only international (+...) and US `(NNN) NNN-NNNN` forms.
 */
import type { SecretRule } from '../types.ts';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const PII_RULES: readonly SecretRule[] = [
  {
    id: 'pii-email',
    category: 'pii',
    title: 'E-mail address',
    severity: 'LOW',
    keywords: ['@'],
    regex: /(?<![A-Za-z0-9._%+-])(?<secret>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})(?![A-Za-z0-9-])/,
    allow: { values: [/@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|localhost|invalid|test)$/i, /^(?:no-?reply|root|postmaster|nobody)@/i] },
    help: 'An e-mail address identifies a person. Check that the image is meant to carry it (a maintainer field is fine; a customer list is not).',
  },
  {
    id: 'pii-payment-card',
    category: 'pii',
    title: 'Payment card number',
    severity: 'HIGH',
    keywords: ['2', '3', '4', '5', '6'],
    // IIN prefixes: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/65.
    regex: /(?<![\w.+-])(?<secret>(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5))(?:\d[ -]?){10,16}\d)(?![\w.-])/,
    check: 'luhn',
    help: 'A number with a card issuer prefix that passes the Luhn check. Card data must never sit in an image (PCI DSS).',
  },
  {
    id: 'pii-iban',
    category: 'pii',
    title: 'International bank account number (IBAN)',
    severity: 'MEDIUM',
    keywords: DIGITS,
    regex: /(?<![A-Za-z0-9])(?<secret>[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)(?![A-Za-z0-9])/,
    check: 'iban',
    help: 'An account number with a valid country length and mod-97 check digits.',
  },
  {
    id: 'pii-us-ssn',
    category: 'pii',
    title: 'US Social Security number',
    severity: 'HIGH',
    keywords: ['-'],
    regex: /(?<![\d-])(?<secret>\d{3}-\d{2}-\d{4})(?![\d-])/,
    check: 'us-ssn',
    help: 'A number in the issued SSN ranges (area not 000, 666 or 9xx; group and serial not zero).',
  },
  {
    id: 'pii-phone',
    category: 'pii',
    title: 'Phone number',
    severity: 'LOW',
    keywords: ['+', '('],
    regex: /(?<![\w+.-])(?<secret>\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}-\d{4})(?![\w+-])/,
    check: 'phone',
    help: 'A phone number in international (E.164) or US format.',
  },
];
