//! A plain Rust std thread-per-connection TCP server, the baseline NetKit's echo and lines services
//! are measured against (bench/compare-peers.sh).
//!
//! Usage: rust-echo <echo|lines> <port>
//!   echo:  copies bytes back until EOF (16 KiB buffer, TCP_NODELAY).
//!   lines: each \n-terminated line is answered upper-cased (ASCII) plus "\n"; a line that trims to
//!          "quit" is answered "bye\n" and the connection closes.
//! Binds 127.0.0.1:<port> (0 picks a free port) and prints "listening on 127.0.0.1:<port>".

use std::env;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process;
use std::thread;

#[derive(Clone, Copy)]
enum Mode {
    Echo,
    Lines,
}

fn serve_echo(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n])?;
    }
}

fn serve_lines(stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::new(stream);
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            // EOF (a trailing partial line is dropped, as there is nobody left to read the reply).
            writer.flush()?;
            return Ok(());
        }
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.trim_ascii() == b"quit" {
            writer.write_all(b"bye\n")?;
            writer.flush()?;
            return Ok(());
        }
        line.make_ascii_uppercase();
        line.push(b'\n');
        writer.write_all(&line)?;
        // Send once the lines already read are answered, so a pipelined batch goes out in one write.
        if reader.buffer().is_empty() {
            writer.flush()?;
        }
    }
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let usage = || -> ! {
        eprintln!("usage: rust-echo <echo|lines> <port>");
        process::exit(2);
    };
    if args.len() != 3 {
        usage();
    }
    let mode = match args[1].as_str() {
        "echo" => Mode::Echo,
        "lines" => Mode::Lines,
        _ => usage(),
    };
    let port: u16 = args[2].parse().unwrap_or_else(|_| usage());

    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap_or_else(|e| {
        eprintln!("rust-echo: cannot bind 127.0.0.1:{port}: {e}");
        process::exit(1);
    });
    let local = listener.local_addr().expect("local address");
    println!("listening on {local}");
    io::stdout().flush().expect("flush stdout");

    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rust-echo: accept: {e}");
                continue;
            }
        };
        // One OS thread per connection with the default stack: the plain std model.
        let spawned = thread::Builder::new().spawn(move || {
            let _ = match mode {
                Mode::Echo => serve_echo(stream),
                Mode::Lines => serve_lines(stream),
            };
        });
        if let Err(e) = spawned {
            eprintln!("rust-echo: spawn: {e}");
        }
    }
}
