namespace CxContact.Server.Sftp;

/// <summary>Timeouts and retry pacing for SFTP; tests shrink them so a dead server fails in milliseconds.</summary>
public sealed record SftpOptions
{
    /// <summary>TCP connect plus SSH handshake and authentication.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>A transfer or listing that makes no progress for this long is abandoned (and retried).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Tries in all, for transient failures only.</summary>
    public int Attempts { get; init; } = 3;
    /// <summary>The wait after the first failed try; it doubles after each further one (1 s, 2 s, 4 s, ...).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest file a pull may bring (CXC_MAX_UPLOAD_MB, like an upload): checked before and during the transfer.</summary>
    public long MaxFileBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    public TimeSpan RetryDelay(int failedAttempts) => FirstRetryDelay * Math.Pow(2, failedAttempts - 1);
}
