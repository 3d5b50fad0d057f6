using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Sftp;

/// <summary>
/// The retry policy of every SFTP transfer, pulls and pushes alike: network trouble is tried again with exponential
/// backoff (<see cref="SftpOptions"/>); a wrong host key, wrong credentials or a missing file are not, since trying
/// again cannot fix them. The last transient failure says how many tries were made.
/// </summary>
public sealed class SftpRetry(SftpConnectionStore store, SftpOptions options, PlatformClock clock, ILogger<SftpRetry> log)
{
    public async Task<T> RunAsync<T>(Guid tenantId, Guid connectionId, string what, Func<SftpConnection, SftpCredentials, Task<T>> once,
        CancellationToken ct)
    {
        var (connection, credentials) = await OpenAsync(tenantId, connectionId, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await once(connection, credentials);
            }
            catch (SftpFetchException e) when (e.IsTransient && attempt < options.Attempts)
            {
                var delay = options.RetryDelay(attempt);
                log.LogWarning("SFTP {What} on {Server} failed (attempt {Attempt} of {Attempts}): {Reason}; retrying in {Delay}",
                    what, connection.Endpoint, attempt, options.Attempts, e.Reason, delay);
                await Task.Delay(delay, clock, ct);
            }
            catch (SftpFetchException e) when (e.IsTransient && attempt > 1)
            {
                throw e.AfterAttempts(attempt);
            }
        }
    }

    private async Task<(SftpConnection, SftpCredentials)> OpenAsync(Guid tenantId, Guid connectionId, CancellationToken ct)
    {
        try
        {
            return await store.OpenAsync(tenantId, connectionId, ct)
                ?? throw new SftpFetchException(SftpFailure.NoSuchConnection, $"there is no SFTP connection {connectionId} in this tenant");
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new SftpFetchException(SftpFailure.CredentialsUnreadable,
                $"the credentials of SFTP connection {connectionId} cannot be used: {e.Message}; enter them again", e);
        }
    }
}
