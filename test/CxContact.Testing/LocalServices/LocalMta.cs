using MimeKit;

namespace CxContact.Testing.LocalServices;

/// <summary>
/// A private Postfix from eng/gateways.sh: it takes mail for anyone and files it in one maildir the tests read;
/// recipients at bounce.invalid get a permanent 550 and at tempfail.invalid a temporary 451.
/// </summary>
public sealed class LocalMta : IAsyncDisposable
{
    private readonly string _dir;

    private LocalMta(string dir, int port) { _dir = dir; Port = port; }

    public int Port { get; }

    public static async Task<LocalMta> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("cxc-mta-").FullName;
        LocalProcess.Run("chmod", "755", dir);
        var mta = new LocalMta(dir, LocalProcess.FreePort());
        await Task.Run(() =>
        {
            LocalGateways.Script($"cxc_start_mta {LocalProcess.Quote(dir)} {mta.Port}");
            LocalProcess.WhenThisProcessEnds($"cd {LocalProcess.Quote(LocalGateways.Root)} && source eng/gateways.sh && cxc_stop_mta {LocalProcess.Quote(dir)}");
        });
        return mta;
    }

    /// <summary>Every message delivered so far, parsed.</summary>
    public IReadOnlyList<MimeMessage> Delivered()
    {
        var folder = Path.Combine(_dir, "maildir", "new");
        if (!Directory.Exists(folder)) return [];
        return [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f))];
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => LocalGateways.Script($"cxc_stop_mta {LocalProcess.Quote(_dir)}"));
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
