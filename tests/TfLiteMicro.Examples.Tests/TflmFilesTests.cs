using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Examples.Tests;

/// <summary>
/// The examples' way to TFLM's models and test inputs without ../shared: download from a local HTTP server standing in
/// for GitHub, keep in the cache, refuse a file whose SHA-256 differs, and say what to do when there is no network.
/// </summary>
public sealed class TflmFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tflm-files-").FullName;
    private readonly StringWriter _log = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TflmFile FileOf(byte[] content, string name = "model.tflite")
        => new(name, "models/" + name, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));

    private TflmFiles Files(Uri source, params string[] localFolders)
        => new(localFolders, Path.Combine(_root, "cache"), source, _log, timeout: TimeSpan.FromSeconds(10));

    [Fact]
    public void DownloadsOnceIntoTheCacheAndChecksEachUse()
    {
        byte[] content = RandomBytes(5000, seed: 1);
        TflmFile file = FileOf(content);
        using var server = new FileServer(new() { ["/base/models/model.tflite"] = content });
        TflmFiles files = Files(new Uri(server.Prefix + "base/"));

        string path = files.Get(file);
        Assert.Equal(Path.Combine(files.CacheFolder, "model.tflite"), path);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(1, server.Requests);
        Assert.Single(Directory.GetFiles(files.CacheFolder));   // no partial file left beside it

        Assert.Equal(path, files.Get(file));                     // from the cache, no request
        Assert.Equal(1, server.Requests);

        File.WriteAllBytes(path, RandomBytes(5000, seed: 2));    // a damaged copy is fetched again
        Assert.Equal(path, files.Get(file));
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(2, server.Requests);
        Assert.Contains("downloading model.tflite", _log.ToString());
    }

    [Fact]
    public void AFileInALocalFolderIsUsedWithoutDownloading()
    {
        byte[] content = RandomBytes(100, seed: 3);
        string local = Directory.CreateDirectory(Path.Combine(_root, "shared", "models")).FullName;
        File.WriteAllBytes(Path.Combine(local, "model.tflite"), content);
        using var server = new FileServer([]);
        Assert.Equal(Path.Combine(local, "model.tflite"), Files(new Uri(server.Prefix), local).Get(FileOf(content)));
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public void ADownloadWithAnotherChecksumIsRefusedAndNotKept()
    {
        byte[] expected = RandomBytes(4000, seed: 4);
        byte[] served = (byte[])expected.Clone();
        served[1234] ^= 1;
        using var server = new FileServer(new() { ["/models/model.tflite"] = served });
        TflmFiles files = Files(new Uri(server.Prefix));

        var e = Assert.Throws<TflmFileException>(() => files.Get(FileOf(expected)));
        Assert.Contains("is not TFLM's file", e.Message);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(served)), e.Message);
        Assert.Empty(Directory.GetFiles(files.CacheFolder));
    }

    [Fact]
    public void ALongerAnswerOrAnErrorStatusIsRefused()
    {
        byte[] expected = RandomBytes(1000, seed: 5);
        using var server = new FileServer(new() { ["/models/model.tflite"] = RandomBytes(3000, seed: 6) });
        TflmFiles files = Files(new Uri(server.Prefix));
        Assert.Contains("longer than", Assert.Throws<TflmFileException>(() => files.Get(FileOf(expected))).Message);
        Assert.Empty(Directory.GetFiles(files.CacheFolder));

        var missing = Assert.Throws<TflmFileException>(() => files.Get(FileOf(expected, "other.tflite")));
        Assert.Contains("answered 404", missing.Message);
    }

    [Fact]
    public void OfflineSaysSoAndHowToGetTheFile()
    {
        // A port nothing listens on: the connection is refused at once, as without a network.
        var e = Assert.Throws<TflmFileException>(() => Files(new Uri($"http://127.0.0.1:{UnusedPort()}/")).Get(FileOf([1, 2, 3])));
        Assert.Contains("could not download model.tflite", e.Message);
        Assert.Contains("are you offline?", e.Message);
        Assert.Contains("TFLM_SHARED_DIR", e.Message);
        Assert.False(File.Exists(Path.Combine(_root, "cache", "model.tflite")));
    }

    [SkippableFact]
    public void ThePinnedChecksumsAreThoseOfTflmsFiles()
    {
        // The shared folder holds the same files as TFLM's repository at the pinned commit.
        (TflmFile File, string Folder)[] files =
        [
            (TflmFiles.AudioPreprocessor, "models"), (TflmFiles.MicroSpeechModel, "models"), (TflmFiles.PersonDetectModel, "models"),
            (TflmFiles.Yes, "testdata"), (TflmFiles.No, "testdata"), (TflmFiles.Person, "testdata"), (TflmFiles.NoPerson, "testdata"),
        ];
        foreach ((TflmFile file, string folder) in files)
        {
            byte[] bytes = File.ReadAllBytes(SharedData.Path(folder, file.Name));
            Assert.Equal(file.Size, bytes.Length);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.EndsWith("/" + file.Name, file.RepositoryPath);
        }
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An HTTP server on 127.0.0.1 answering GETs of the given paths (404 otherwise), counting requests.</summary>
    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, byte[]> _files;
        private readonly Task _loop;
        private int _requests;

        public FileServer(Dictionary<string, byte[]> files)
        {
            _files = files;
            // A free port can be taken by someone else between the probe and the bind: try a few.
            for (int attempt = 0; ; attempt++)
            {
                Prefix = $"http://127.0.0.1:{UnusedPort()}/";
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(Prefix);
                try { _listener.Start(); break; }
                catch (HttpListenerException) when (attempt < 5) { }
            }
            _loop = Task.Run(Serve);
        }

        public string Prefix { get; private set; } = "";

        public int Requests => Volatile.Read(ref _requests);

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                Interlocked.Increment(ref _requests);
                using HttpListenerResponse response = context.Response;
                if (_files.TryGetValue(context.Request.Url!.AbsolutePath, out byte[]? body))
                {
                    response.ContentLength64 = body.Length;
                    await response.OutputStream.WriteAsync(body);
                }
                else
                {
                    response.StatusCode = 404;
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
