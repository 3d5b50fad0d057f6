-- A suppression import, like a contact-list import, reads an uploaded file or one pulled from an SFTP connection
-- (a scheduled registry refresh, typically). The pull happens in the job, never in the HTTP request.
ALTER TABLE suppression_imports
    ADD COLUMN source             text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'sftp')),
    ADD COLUMN sftp_connection_id uuid,
    ADD COLUMN remote_path        text;
