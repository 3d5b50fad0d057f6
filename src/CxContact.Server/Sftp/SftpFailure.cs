namespace CxContact.Server.Sftp;

/// <summary>Why an SFTP operation failed; the API shows it in kebab case as the problem's "reason".</summary>
public enum SftpFailure
{
    /// <summary>Nothing listens on host:port (connection refused).</summary>
    Refused,
    /// <summary>The host or its network cannot be reached.</summary>
    Unreachable,
    /// <summary>The host name does not resolve.</summary>
    UnknownHost,
    /// <summary>No answer within the connect or idle timeout.</summary>
    Timeout,
    /// <summary>The server dropped an established connection.</summary>
    ConnectionLost,
    /// <summary>The server's host key is not the pinned one.</summary>
    HostKeyMismatch,
    /// <summary>The server rejected the user name and credentials.</summary>
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    NotAFile,
    /// <summary>The remote path is empty, climbs with "..", or leaves the base path.</summary>
    InvalidPath,
    /// <summary>The tenant has no such connection.</summary>
    NoSuchConnection,
    /// <summary>The stored credentials cannot be opened with the current secrets key.</summary>
    CredentialsUnreadable,
    /// <summary>The remote file is larger than a pull may bring (CXC_MAX_UPLOAD_MB).</summary>
    TooLarge,
    /// <summary>The remote file would take the tenant over its landing quota (what its files may take on the landing directory).</summary>
    LandingQuota,
    /// <summary>The host resolves only to addresses SFTP may not reach (the platform's own networks or ports).</summary>
    DestinationRefused,
    /// <summary>Any other SSH or SFTP error; said in our words, never the far side's (no banner, no bytes).</summary>
    Protocol,
}
