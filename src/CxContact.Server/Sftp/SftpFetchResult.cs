namespace CxContact.Server.Sftp;

/// <summary>A file fetched to the local destination: its remote name, the bytes written, and its remote mtime.</summary>
public sealed record SftpFetchResult(string FileName, string RemotePath, long Size, DateTimeOffset LastWriteTime);
