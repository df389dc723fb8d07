defmodule Scenario do
  def run do
    {:ok, _} = Catalogue.start()

    case {Catalogue.lookup("sku-1"), Catalogue.lookup("sku-2")} do
      {{:ok, "teapot"}, {:ok, "kettle"}} -> :ok
      other -> {:error, {:not_loaded, other}}
    end
  end
end
