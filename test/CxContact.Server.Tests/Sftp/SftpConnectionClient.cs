using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Sftp;

/// <summary>Saves a connection to the tests' local SFTP server over the API, the way an admin would.</summary>
public static class SftpConnectionClient
{
    /// <summary>
    /// A connection by key, rooted at the server's directory; <paramref name="port"/> points it elsewhere (a port
    /// nothing listens on, for a server that is down). Returns its id.
    /// </summary>
    public static async Task<Guid> CreateSftpConnectionAsync(this HttpClient http, int? port = null)
    {
        var sftp = LocalSftp.Shared;
        var connection = await HttpAssert.Json(await http.PostJson("/api/v1/sftp-connections", new
        {
            name = "client drop " + Guid.NewGuid().ToString("N")[..6], host = sftp.Host, port = port ?? sftp.Port, username = sftp.Username,
            privateKey = sftp.PrivateKey, hostKeyFingerprint = sftp.HostKeyFingerprint, basePath = sftp.Root,
        }), HttpStatusCode.Created);
        return connection.GetProperty("id").GetGuid();
    }
}
