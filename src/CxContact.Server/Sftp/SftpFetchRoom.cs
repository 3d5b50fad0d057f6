namespace CxContact.Server.Sftp;

/// <summary>
/// How much a fetch may write at its destination (the tenant's landing quota less what its files take), and what
/// to say when the remote file does not fit: the caller owns the quota and its wording, the fetcher only keeps to it.
/// </summary>
public sealed record SftpFetchRoom(long Bytes, string Full);
