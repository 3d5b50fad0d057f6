using System.IO.Compression;

namespace CxContact.Server.Jobs.Files;

/// <summary>
/// An import file as the files it holds: a .zip gives each of its files in name order (a registry's download is one
/// zip with a file per area code), a .gz the one file inside it, anything else itself. Told by the first bytes,
/// not by the name, because a file pulled over SFTP keeps whatever name the remote side gave it.
/// </summary>
public sealed class ImportArchive : IDisposable
{
    private readonly FileStream _file;
    private readonly ZipArchive? _zip;
    private readonly bool _gzip;

    public ImportArchive(string path)
    {
        _file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        var n = _file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        _file.Position = 0;
        if (n == 4 && magic is [0x50, 0x4B, 0x03, 0x04])
        {
            try { _zip = new ZipArchive(_file, ZipArchiveMode.Read, leaveOpen: true); }
            catch (InvalidDataException e) { throw new ImportFailedException($"the file starts like a zip archive but cannot be read as one ({e.Message})"); }
        }
        else _gzip = n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    /// <summary>True when the file was an archive of several files (rows are then numbered across them, in this order).</summary>
    public bool IsZip => _zip is not null;

    /// <summary>The files, each opened when its turn comes; the name is null for a plain or gzipped file.</summary>
    public IEnumerable<(string? Name, Stream Stream)> Parts()
    {
        if (_zip is null)
        {
            yield return (null, _gzip ? new GZipStream(_file, CompressionMode.Decompress, leaveOpen: true) : _file);
            yield break;
        }
        var entries = _zip.Entries.Where(e => !e.FullName.EndsWith('/') && e.Length > 0).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
        if (entries.Count == 0) throw new ImportFailedException("the zip archive holds no files");
        foreach (var e in entries)
        {
            Stream s;
            try { s = e.Open(); }
            catch (InvalidDataException x) { throw new ImportFailedException($"{e.FullName} in the zip archive cannot be read ({x.Message})"); }
            yield return (e.FullName, s);
        }
    }

    public void Dispose()
    {
        _zip?.Dispose();
        _file.Dispose();
    }
}
