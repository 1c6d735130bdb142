// Package contact is crier's pure contact domain: the fields of a contact, the
// normalisation of names, e-mail addresses and phone numbers, and the data-quality
// flags that tell a manager what to fix. It does no I/O.
package contact
