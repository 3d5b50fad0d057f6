-- An import reads either an uploaded file or one pulled from an SFTP connection. A pull happens in the job,
-- not in the HTTP request, so a large remote file never holds a request open.
ALTER TABLE list_imports
    ADD COLUMN source             text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'sftp')),
    ADD COLUMN sftp_connection_id uuid,
    ADD COLUMN remote_path        text;
