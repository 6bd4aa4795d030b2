export default function Home() {
  return (
    <main>
      <h1>My Next.js shop</h1>
    </main>
  );
}
