using System.Text.RegularExpressions;

namespace CxContact.Testing.LocalServices;

/// <summary>
/// A private Kannel (bearerbox, smsbox, and fakesmsc as the phone network) started by eng/gateways.sh, the script the
/// dev run uses. Inbound texts go to the smsbox get-url given; what the "network" received is read from fakesmsc's log.
/// </summary>
public sealed partial class LocalKannel : IAsyncDisposable
{
    private readonly string _dir;

    private LocalKannel(string dir, int sendsmsPort) { _dir = dir; SendsmsPort = sendsmsPort; }

    public int SendsmsPort { get; }
    public string SendsmsUrl => $"http://127.0.0.1:{SendsmsPort}/cgi-bin/sendsms";
    public const string Username = "cxc", Password = "cxc-secret";

    /// <summary>Ports first (the gateway is created with its URL), then <see cref="StartAsync"/> with its get-url.</summary>
    public static LocalKannel Reserve()
    {
        var dir = Directory.CreateTempSubdirectory("cxc-kannel-").FullName;
        LocalProcess.Run("chmod", "755", dir);
        return new LocalKannel(dir, LocalProcess.FreePort());
    }

    public Task StartAsync(string getUrl) => Task.Run(() =>
    {
        LocalGateways.Script($"cxc_start_kannel {LocalProcess.Quote(_dir)} {LocalProcess.FreePort()} {SendsmsPort} {LocalProcess.FreePort()} {LocalProcess.Quote(getUrl)}");
        LocalProcess.WhenThisProcessEnds($"cd {LocalProcess.Quote(LocalGateways.Root)} && source eng/gateways.sh && cxc_stop_kannel {LocalProcess.Quote(_dir)}");
    });

    /// <summary>A text from a phone, as fakesmsc's network would deliver it to smsbox.</summary>
    public Task SendFromPhoneAsync(string from, string to, string text) =>
        Task.Run(() => LocalGateways.Script($"cxc_kannel_mo {LocalProcess.Quote(_dir)} {LocalProcess.Quote(from)} {LocalProcess.Quote(to)} {LocalProcess.Quote(text)}"));

    /// <summary>Every plain-text message the network received so far: sender, receiver, text.</summary>
    public IReadOnlyList<(string From, string To, string Text)> Received()
    {
        var log = Path.Combine(_dir, "fakesmsc.log");
        if (!File.Exists(log)) return [];
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. GotMessage().Matches(reader.ReadToEnd()).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value))];
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(() => LocalGateways.Script($"cxc_stop_kannel {LocalProcess.Quote(_dir)}"));
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // fakesmsc logs "Got message N: <FROM TO text TEXT>" for each message it receives.
    [GeneratedRegex(@"Got message \d+: <(\S+) (\S+) text (.*)>")]
    private static partial Regex GotMessage();
}
