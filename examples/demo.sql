-- Kimberlite healthcare demo: a clinic's patients and appointments.
--
-- A script for `kimberlite repl` (standard input): SQL statements, plus `.actor NAME` and
-- `.reason TEXT` lines that set who makes the following writes and why. Both are recorded, with
-- the statement and its commit time, in the tenant's hash-chained log — see kmb_audit.
--
-- Each write is one log record; in a fresh database its position is the number on its right.

.actor admin
.reason clinic setup
CREATE TABLE patients (
  id            BIGINT PRIMARY KEY,
  name          TEXT NOT NULL,
  date_of_birth DATE NOT NULL,
  email         TEXT UNIQUE,
  status        TEXT NOT NULL DEFAULT 'active'
);                                                                              -- position 0

CREATE TABLE appointments (
  id         BIGINT PRIMARY KEY,
  patient_id BIGINT NOT NULL,
  starts_at  TIMESTAMP NOT NULL,
  clinician  TEXT NOT NULL,
  purpose    TEXT,
  status     TEXT NOT NULL DEFAULT 'scheduled'
);                                                                              -- position 1

CREATE INDEX appointments_by_patient ON appointments (patient_id);             -- position 2

.actor nurse.jones
.reason new patient intake
INSERT INTO patients (id, name, date_of_birth, email) VALUES
  (1, 'Ada Lovelace', DATE '1815-12-10', 'ada@example.org'),
  (2, 'Alan Turing',  DATE '1912-06-23', 'alan@example.org'),
  (3, 'Grace Hopper', DATE '1906-12-09', NULL);                                -- position 3

.actor reception
.reason booking requested by the patients
INSERT INTO appointments (id, patient_id, starts_at, clinician, purpose) VALUES
  (10, 1, TIMESTAMP '2024-03-01 09:00:00', 'dr.chen',   'annual check-up'),
  (11, 2, TIMESTAMP '2024-03-01 10:30:00', 'dr.chen',   'follow-up'),
  (12, 3, TIMESTAMP '2024-03-02 14:00:00', 'dr.okafor', 'vaccination');        -- position 4

.actor dr.chen
.reason patient moved; contact details updated at their request
UPDATE patients SET email = 'alan.turing@example.org' WHERE id = 2;             -- position 5

.reason visit completed
UPDATE appointments SET status = 'completed' WHERE id = 10;                     -- position 6

.actor reception
.reason cancelled by the patient by phone
DELETE FROM appointments WHERE id = 12;                                         -- position 7
