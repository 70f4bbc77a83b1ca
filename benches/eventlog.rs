fn main() {
    println!("eventlog bench: not written yet");
}
