// The OTP modules the concurrent families act on, as source text.
import { lines } from "./world.js";

/** A registered GenServer holding an integer: casts {:set, v}, {:add, k}, {:mul, m}; calls :get and {:add, k}. */
export function numberServer(name: string): string {
  return lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)",
    "  def init(n), do: {:ok, n}",
    "",
    "  def handle_call(:get, _from, n), do: {:reply, n, n}",
    "  def handle_call({:add, k}, _from, n), do: {:reply, n + k, n + k}",
    "  def handle_cast({:set, v}, _n), do: {:noreply, v}",
    "  def handle_cast({:add, k}, n), do: {:noreply, n + k}",
    "  def handle_cast({:mul, m}, n), do: {:noreply, n * m}",
    "end",
  );
}

/** A registered GenServer holding a list: cast {:push, x} appends, call :get reads. */
export function listServer(name: string): string {
  return lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(items), do: GenServer.start_link(__MODULE__, items, name: __MODULE__)",
    "  def init(items), do: {:ok, items}",
    "",
    "  def handle_call(:get, _from, items), do: {:reply, items, items}",
    "  def handle_cast({:push, x}, items), do: {:noreply, items ++ [x]}",
    "end",
  );
}
