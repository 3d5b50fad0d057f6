namespace CxContact.Server.Sftp;

/// <summary>
/// An SFTP connect, list or fetch that failed. <see cref="Exception.Message"/> is meant for the user (it names the
/// server, the path or the fingerprints, never a credential), and <see cref="IsTransient"/> says whether trying
/// again may help.
/// </summary>
public sealed class SftpFetchException : Exception
{
    public SftpFetchException(SftpFailure failure, string reason, Exception? inner = null, int attempts = 1)
        : base(attempts > 1 ? $"{reason} after {attempts} attempts" : reason, inner)
    {
        Failure = failure;
        Reason = reason;
        Attempts = attempts;
    }

    public SftpFailure Failure { get; }
    /// <summary>The message without the attempt count.</summary>
    public string Reason { get; }
    public int Attempts { get; }
    /// <summary>For <see cref="SftpFailure.HostKeyMismatch"/>: the pinned fingerprint and the one the server offered.</summary>
    public string? ExpectedFingerprint { get; init; }
    public string? OfferedFingerprint { get; init; }

    /// <summary>Network trouble that may pass; a wrong key, password or path will not fix itself.</summary>
    public bool IsTransient => Failure is SftpFailure.Refused or SftpFailure.Unreachable or SftpFailure.Timeout or SftpFailure.ConnectionLost;

    public SftpFetchException AfterAttempts(int attempts) => new(Failure, Reason, InnerException, attempts)
    {
        ExpectedFingerprint = ExpectedFingerprint,
        OfferedFingerprint = OfferedFingerprint,
    };
}
